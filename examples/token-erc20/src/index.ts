import { TokenERC20Contract } from './tokenContract';

export { TokenERC20Contract } from './tokenContract';

export const contracts: any[] = [TokenERC20Contract];
