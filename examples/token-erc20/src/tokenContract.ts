import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

const balancePrefix = 'balance';
const allowancePrefix = 'allowance';
const nameKey = 'name';
const symbolKey = 'symbol';
const decimalsKey = 'decimals';
const totalSupplyKey = 'totalSupply';

@Info({ title: 'TokenERC20Contract', description: 'An ERC-20 token: accounts are client identities' })
export class TokenERC20Contract extends Contract {

    constructor() {
        super('TokenERC20Contract');
    }

    @Transaction()
    public async Initialize(ctx: Context, name: string, symbol: string, decimals: string): Promise<boolean> {
        this.requireMinter(ctx);
        const existing = await ctx.stub.getState(nameKey);
        if (existing && existing.length > 0) {
            throw new Error('contract options are already set, client is not authorized to change them');
        }
        await ctx.stub.putState(nameKey, Buffer.from(name));
        await ctx.stub.putState(symbolKey, Buffer.from(symbol));
        await ctx.stub.putState(decimalsKey, Buffer.from(decimals));
        return true;
    }

    @Transaction(false)
    public async TokenName(ctx: Context): Promise<string> {
        await this.checkInitialized(ctx);
        return (await ctx.stub.getState(nameKey)).toString();
    }

    @Transaction(false)
    public async Symbol(ctx: Context): Promise<string> {
        await this.checkInitialized(ctx);
        return (await ctx.stub.getState(symbolKey)).toString();
    }

    @Transaction(false)
    @Returns('number')
    public async TotalSupply(ctx: Context): Promise<number> {
        await this.checkInitialized(ctx);
        const bytes = await ctx.stub.getState(totalSupplyKey);
        return bytes.length === 0 ? 0 : parseInt(bytes.toString(), 10);
    }

    @Transaction(false)
    @Returns('number')
    public async BalanceOf(ctx: Context, owner: string): Promise<number> {
        await this.checkInitialized(ctx);
        const key = ctx.stub.createCompositeKey(balancePrefix, [owner]);
        const bytes = await ctx.stub.getState(key);
        if (!bytes || bytes.length === 0) {
            throw new Error(`the account ${owner} does not exist`);
        }
        return parseInt(bytes.toString(), 10);
    }

    @Transaction()
    public async Mint(ctx: Context, amount: string): Promise<boolean> {
        await this.checkInitialized(ctx);
        this.requireMinter(ctx);
        const value = this.positive(amount);
        const minter = ctx.clientIdentity.getID();
        await this.add(ctx, minter, value);
        const supply = await this.TotalSupply(ctx);
        await ctx.stub.putState(totalSupplyKey, Buffer.from(String(supply + value)));
        ctx.stub.setEvent('Transfer', Buffer.from(JSON.stringify({ from: '0x0', to: minter, value })));
        return true;
    }

    @Transaction()
    public async Transfer(ctx: Context, to: string, value: string): Promise<boolean> {
        await this.checkInitialized(ctx);
        const from = ctx.clientIdentity.getID();
        await this.move(ctx, from, to, this.positive(value));
        ctx.stub.setEvent('Transfer', Buffer.from(JSON.stringify({ from, to, value: parseInt(value, 10) })));
        return true;
    }

    @Transaction()
    public async Approve(ctx: Context, spender: string, value: string): Promise<boolean> {
        await this.checkInitialized(ctx);
        const owner = ctx.clientIdentity.getID();
        const key = ctx.stub.createCompositeKey(allowancePrefix, [owner, spender]);
        await ctx.stub.putState(key, Buffer.from(String(this.nonNegative(value))));
        ctx.stub.setEvent('Approval', Buffer.from(JSON.stringify({ owner, spender, value: parseInt(value, 10) })));
        return true;
    }

    @Transaction(false)
    @Returns('number')
    public async Allowance(ctx: Context, owner: string, spender: string): Promise<number> {
        await this.checkInitialized(ctx);
        const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey(allowancePrefix, [owner, spender]));
        if (!bytes || bytes.length === 0) {
            throw new Error(`spender ${spender} has no allowance from ${owner}`);
        }
        return parseInt(bytes.toString(), 10);
    }

    @Transaction()
    public async TransferFrom(ctx: Context, from: string, to: string, value: string): Promise<boolean> {
        await this.checkInitialized(ctx);
        const spender = ctx.clientIdentity.getID();
        const amount = this.positive(value);
        const key = ctx.stub.createCompositeKey(allowancePrefix, [from, spender]);
        const allowed = await ctx.stub.getState(key);
        if (!allowed || allowed.length === 0) {
            throw new Error(`spender ${spender} has no allowance from ${from}`);
        }
        const left = parseInt(allowed.toString(), 10);
        if (left < amount) {
            throw new Error('the spender does not have enough allowance to spend');
        }
        await this.move(ctx, from, to, amount);
        await ctx.stub.putState(key, Buffer.from(String(left - amount)));
        ctx.stub.setEvent('Transfer', Buffer.from(JSON.stringify({ from, to, value: amount })));
        return true;
    }

    @Transaction(false)
    @Returns('number')
    public async ClientAccountBalance(ctx: Context): Promise<number> {
        return this.BalanceOf(ctx, ctx.clientIdentity.getID());
    }

    @Transaction(false)
    public async ClientAccountID(ctx: Context): Promise<string> {
        return ctx.clientIdentity.getID();
    }

    /** Every account with a balance, read through the partial composite key. */
    @Transaction(false)
    @Returns('string')
    public async Holders(ctx: Context): Promise<string> {
        const out: { account: string; balance: number }[] = [];
        for await (const kv of ctx.stub.getStateByPartialCompositeKey(balancePrefix, [])) {
            const { attributes } = ctx.stub.splitCompositeKey(kv.key);
            out.push({ account: attributes[0], balance: parseInt(Buffer.from(kv.value).toString(), 10) });
        }
        return JSON.stringify(out);
    }

    private requireMinter(ctx: Context): void {
        if (ctx.clientIdentity.getAttributeValue('role') !== 'admin') {
            throw new Error('client is not authorized to mint new tokens');
        }
    }

    private async checkInitialized(ctx: Context): Promise<void> {
        const name = await ctx.stub.getState(nameKey);
        if (!name || name.length === 0) {
            throw new Error('contract options need to be set before calling any function, call Initialize() to initialize contract');
        }
    }

    private positive(text: string): number {
        const v = parseInt(text, 10);
        if (!Number.isSafeInteger(v) || v <= 0 || String(v) !== text) {
            throw new Error('the amount must be a positive integer');
        }
        return v;
    }

    private nonNegative(text: string): number {
        const v = parseInt(text, 10);
        if (!Number.isSafeInteger(v) || v < 0 || String(v) !== text) {
            throw new Error('the value must be a non-negative integer');
        }
        return v;
    }

    private async add(ctx: Context, account: string, value: number): Promise<void> {
        const key = ctx.stub.createCompositeKey(balancePrefix, [account]);
        const bytes = await ctx.stub.getState(key);
        const current = bytes.length === 0 ? 0 : parseInt(bytes.toString(), 10);
        await ctx.stub.putState(key, Buffer.from(String(current + value)));
    }

    private async move(ctx: Context, from: string, to: string, value: number): Promise<void> {
        if (from === to) {
            throw new Error('cannot transfer to and from same client account');
        }
        const fromKey = ctx.stub.createCompositeKey(balancePrefix, [from]);
        const fromBytes = await ctx.stub.getState(fromKey);
        if (!fromBytes || fromBytes.length === 0) {
            throw new Error(`client account ${from} has no balance`);
        }
        const fromBalance = parseInt(fromBytes.toString(), 10);
        if (fromBalance < value) {
            throw new Error(`client account ${from} has insufficient funds.`);
        }
        await ctx.stub.putState(fromKey, Buffer.from(String(fromBalance - value)));
        await this.add(ctx, to, value);
    }
}
