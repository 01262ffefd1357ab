import { Context, Contract, Info, Transaction } from 'fabric-contract-api';

/** Shared by org1 and org2: the asset itself and transfer agreements. */
const ASSET_COLLECTION = 'assetCollection';
const AGREEMENT_TYPE = 'transferAgreement';

interface PrivateAsset {
    objectType: string;
    ID: string;
    Color: string;
    Size: number;
    Owner: string;
}

interface AssetProperties {
    assetID: string;
    color: string;
    size: number;
    appraisedValue: number;
}

/** Each organisation's own appraisals live in `<msp>PrivateCollection`. */
function ownCollection(ctx: Context): string {
    return `${ctx.clientIdentity.getMSPID()}PrivateCollection`;
}

function transientJson<T>(ctx: Context, name: string): T {
    const value = ctx.stub.getTransient().get(name);
    if (!value || value.length === 0) {
        throw new Error(`${name} must be passed in the transient map`);
    }
    return JSON.parse(value.toString()) as T;
}

@Info({ title: 'PrivateAssetContract', description: 'Assets whose details only org1 and org2 see; appraisals each organisation keeps to itself' })
export class PrivateAssetContract extends Contract {

    @Transaction()
    public async CreateAsset(ctx: Context): Promise<void> {
        const props = transientJson<AssetProperties>(ctx, 'asset_properties');
        if (!props.assetID || !props.color || !(props.size > 0) || !(props.appraisedValue > 0)) {
            throw new Error('asset_properties needs assetID, color, a positive size and a positive appraisedValue');
        }
        const existing = await ctx.stub.getPrivateData(ASSET_COLLECTION, props.assetID);
        if (existing && existing.length > 0) {
            throw new Error(`The asset ${props.assetID} already exists`);
        }
        const asset: PrivateAsset = {
            objectType: 'asset',
            ID: props.assetID,
            Color: props.color,
            Size: props.size,
            Owner: ctx.clientIdentity.getID(),
        };
        await ctx.stub.putPrivateData(ASSET_COLLECTION, asset.ID, Buffer.from(JSON.stringify(asset)));
        await ctx.stub.putPrivateData(ownCollection(ctx), asset.ID,
            Buffer.from(JSON.stringify({ ID: asset.ID, AppraisedValue: props.appraisedValue })));
        ctx.stub.setEvent('AssetCreated', Buffer.from(JSON.stringify({ id: asset.ID })));
    }

    /** The buyer records the value it agrees to, in its own collection, and its agreement in the shared one. */
    @Transaction()
    public async AgreeToTransfer(ctx: Context): Promise<void> {
        const value = transientJson<{ assetID: string; appraisedValue: number }>(ctx, 'asset_value');
        const asset = await this.ReadAsset(ctx, value.assetID);
        if (JSON.parse(asset).Owner === ctx.clientIdentity.getID()) {
            throw new Error('the owner cannot agree to buy its own asset');
        }
        await ctx.stub.putPrivateData(ownCollection(ctx), value.assetID,
            Buffer.from(JSON.stringify({ ID: value.assetID, AppraisedValue: value.appraisedValue })));
        const key = ctx.stub.createCompositeKey(AGREEMENT_TYPE, [value.assetID]);
        await ctx.stub.putPrivateData(ASSET_COLLECTION, key, Buffer.from(ctx.clientIdentity.getID()));
    }

    /**
     * The owner transfers to the buyer who agreed, if both organisations
     * recorded the same appraisal: compared by hash, so neither sees the
     * other's collection.
     */
    @Transaction()
    public async TransferAsset(ctx: Context): Promise<void> {
        const t = transientJson<{ assetID: string; buyerMSP: string }>(ctx, 'asset_owner');
        const asset: PrivateAsset = JSON.parse(await this.ReadAsset(ctx, t.assetID));
        if (asset.Owner !== ctx.clientIdentity.getID()) {
            throw new Error(`only the owner may transfer asset ${t.assetID}`);
        }
        const ownHash = await ctx.stub.getPrivateDataHash(ownCollection(ctx), t.assetID);
        const buyerHash = await ctx.stub.getPrivateDataHash(`${t.buyerMSP}PrivateCollection`, t.assetID);
        if (ownHash.length === 0 || buyerHash.length === 0 || !Buffer.from(ownHash).equals(Buffer.from(buyerHash))) {
            throw new Error(`the appraisals of ${t.assetID} do not match; the buyer must agree to the same value`);
        }
        const key = ctx.stub.createCompositeKey(AGREEMENT_TYPE, [t.assetID]);
        const buyer = await ctx.stub.getPrivateData(ASSET_COLLECTION, key);
        if (!buyer || buyer.length === 0) {
            throw new Error(`nobody agreed to buy ${t.assetID}`);
        }
        asset.Owner = buyer.toString();
        await ctx.stub.putPrivateData(ASSET_COLLECTION, t.assetID, Buffer.from(JSON.stringify(asset)));
        await ctx.stub.deletePrivateData(ownCollection(ctx), t.assetID);
        await ctx.stub.deletePrivateData(ASSET_COLLECTION, key);
    }

    @Transaction(false)
    public async ReadAsset(ctx: Context, id: string): Promise<string> {
        const data = await ctx.stub.getPrivateData(ASSET_COLLECTION, id);
        if (!data || data.length === 0) {
            throw new Error(`The asset ${id} does not exist`);
        }
        return data.toString();
    }

    @Transaction(false)
    public async ReadAssetPrivateDetails(ctx: Context, collection: string, id: string): Promise<string> {
        const data = await ctx.stub.getPrivateData(collection, id);
        if (!data || data.length === 0) {
            throw new Error(`No private details of ${id} in ${collection}`);
        }
        return data.toString();
    }

    @Transaction(false)
    public async GetAssetByRange(ctx: Context, startKey: string, endKey: string): Promise<string> {
        const results: unknown[] = [];
        const iterator = await ctx.stub.getPrivateDataByRange(ASSET_COLLECTION, startKey, endKey);
        let r = await iterator.next();
        while (!r.done) {
            results.push(JSON.parse(r.value.value.toString()));
            r = await iterator.next();
        }
        await iterator.close();
        return JSON.stringify(results);
    }

    @Transaction()
    public async PurgeAsset(ctx: Context): Promise<void> {
        const { assetID } = transientJson<{ assetID: string }>(ctx, 'asset_purge');
        await this.ReadAsset(ctx, assetID);
        await ctx.stub.purgePrivateData(ASSET_COLLECTION, assetID);
        await ctx.stub.purgePrivateData(ownCollection(ctx), assetID);
    }
}
