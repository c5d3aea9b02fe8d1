import { type Rejection, reject, SecurityConfigError } from './errors.ts';

/**
 * Data residency: one store per region, from configuration. A request is served only from the
 * region its credentials and its player belong to.
 */
export interface RegionRouterOptions<Store> {
  regions: Record<string, Store>;
  /** Where a player's data lives; `undefined` when unknown (then only the credentials decide). */
  playerRegion?: (brand: string, playerId: string) => string | undefined | Promise<string | undefined>;
}

export class RegionRouter<Store = unknown> {
  constructor(private readonly options: RegionRouterOptions<Store>) {
    if (Object.keys(options.regions).length === 0) {
      throw new SecurityConfigError('REGIONS_EMPTY', 'configure at least one region store');
    }
  }

  get regions(): string[] {
    return Object.keys(this.options.regions);
  }

  /**
   * The store to serve a request from, or `REGION_MISMATCH` when `X-Region` differs from the
   * principal's region, names no configured store, or the player lives in another region.
   */
  async route(request: {
    requestedRegion: string | undefined;
    principalRegion: string;
    brand: string;
    playerId?: string;
  }): Promise<{ ok: true; region: string; store: Store } | Rejection> {
    const region = request.requestedRegion;
    if (region !== request.principalRegion) {
      return reject(
        'REGION_MISMATCH',
        `X-Region is ${region ?? 'missing'} but the credentials are for ${request.principalRegion}; call that region's endpoint`,
      );
    }
    const store = this.options.regions[region];
    if (store === undefined) {
      return reject(
        'REGION_MISMATCH',
        `region ${region} has no store here; configured: ${this.regions.join(', ')}`,
      );
    }
    if (request.playerId !== undefined && this.options.playerRegion) {
      const home = await this.options.playerRegion(request.brand, request.playerId);
      if (home !== undefined && home !== region) {
        return reject(
          'REGION_MISMATCH',
          `the player lives in region ${home}; their data is not served from ${region}`,
        );
      }
    }
    return { ok: true, region, store };
  }
}
