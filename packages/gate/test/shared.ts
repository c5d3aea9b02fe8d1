export { repoRoot, sharedDir } from '@croupier/test-services';
