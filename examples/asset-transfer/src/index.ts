import { AssetContract } from './assetContract';

export { AssetContract } from './assetContract';

export const contracts: any[] = [AssetContract];
