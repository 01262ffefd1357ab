import { PrivateAssetContract } from './privateAssetContract';

export { PrivateAssetContract } from './privateAssetContract';

export const contracts: any[] = [PrivateAssetContract];
