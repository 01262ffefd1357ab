import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import stringify from 'json-stringify-deterministic';
import sortKeysRecursive from 'sort-keys-recursive';
import { Asset } from './asset';

interface PageResult {
    records: Asset[];
    fetchedRecordsCount: number;
    bookmark: string;
}

@Info({ title: 'AssetContract', description: 'City assets: register, move between owners, query, trace' })
export class AssetContract extends Contract {

    @Transaction()
    public async InitLedger(ctx: Context): Promise<void> {
        const assets: Asset[] = [
            { ID: 'asset1', Kind: 'streetlight', Location: 'Main St 1', Owner: 'city-gov', Value: 300 },
            { ID: 'asset2', Kind: 'bus-stop', Location: 'Harbour', Owner: 'city-gov', Value: 5000 },
            { ID: 'asset3', Kind: 'ambulance', Location: 'North Hospital', Owner: 'hospital', Value: 90000 },
            { ID: 'asset4', Kind: 'solar-panel', Location: 'School 7', Owner: 'energy-coop', Value: 1200 },
        ];
        for (const asset of assets) {
            asset.docType = 'asset';
            await ctx.stub.putState(asset.ID, Buffer.from(stringify(sortKeysRecursive(asset))));
        }
    }

    @Transaction()
    public async CreateAsset(ctx: Context, id: string, kind: string, location: string, owner: string, value: number): Promise<void> {
        if (await this.AssetExists(ctx, id)) {
            throw new Error(`The asset ${id} already exists`);
        }
        const asset: Asset = { docType: 'asset', ID: id, Kind: kind, Location: location, Owner: owner, Value: value };
        await ctx.stub.putState(id, Buffer.from(stringify(sortKeysRecursive(asset))));
        ctx.stub.setEvent('AssetCreated', Buffer.from(JSON.stringify({ id, owner })));
    }

    @Transaction(false)
    public async ReadAsset(ctx: Context, id: string): Promise<string> {
        const assetJSON = await ctx.stub.getState(id);
        if (!assetJSON || assetJSON.length === 0) {
            throw new Error(`The asset ${id} does not exist`);
        }
        return assetJSON.toString();
    }

    @Transaction()
    public async UpdateAsset(ctx: Context, id: string, kind: string, location: string, owner: string, value: number): Promise<void> {
        if (!(await this.AssetExists(ctx, id))) {
            throw new Error(`The asset ${id} does not exist`);
        }
        const updated: Asset = { docType: 'asset', ID: id, Kind: kind, Location: location, Owner: owner, Value: value };
        await ctx.stub.putState(id, Buffer.from(stringify(sortKeysRecursive(updated))));
    }

    @Transaction()
    public async DeleteAsset(ctx: Context, id: string): Promise<void> {
        if (!(await this.AssetExists(ctx, id))) {
            throw new Error(`The asset ${id} does not exist`);
        }
        await ctx.stub.deleteState(id);
    }

    @Transaction(false)
    @Returns('boolean')
    public async AssetExists(ctx: Context, id: string): Promise<boolean> {
        const assetJSON = await ctx.stub.getState(id);
        return assetJSON.length > 0;
    }

    @Transaction()
    public async TransferAsset(ctx: Context, id: string, newOwner: string): Promise<string> {
        const asset = JSON.parse(await this.ReadAsset(ctx, id)) as Asset;
        const oldOwner = asset.Owner;
        asset.Owner = newOwner;
        await ctx.stub.putState(id, Buffer.from(stringify(sortKeysRecursive(asset))));
        ctx.stub.setEvent('AssetTransferred', Buffer.from(JSON.stringify({ id, from: oldOwner, to: newOwner })));
        return oldOwner;
    }

    @Transaction(false)
    @Returns('string')
    public async GetAllAssets(ctx: Context): Promise<string> {
        return JSON.stringify(await this.collect(ctx.stub.getStateByRange('', '')));
    }

    @Transaction(false)
    @Returns('string')
    public async GetAssetsByRange(ctx: Context, startKey: string, endKey: string): Promise<string> {
        return JSON.stringify(await this.collect(ctx.stub.getStateByRange(startKey, endKey)));
    }

    @Transaction(false)
    @Returns('string')
    public async QueryAssetsByOwner(ctx: Context, owner: string): Promise<string> {
        const query = { selector: { docType: 'asset', Owner: owner }, sort: [{ Value: 'desc' }] };
        return JSON.stringify(await this.collect(ctx.stub.getQueryResult(JSON.stringify(query))));
    }

    @Transaction(false)
    @Returns('string')
    public async QueryAssets(ctx: Context, queryString: string): Promise<string> {
        return JSON.stringify(await this.collect(ctx.stub.getQueryResult(queryString)));
    }

    @Transaction(false)
    @Returns('string')
    public async QueryAssetsWithPagination(ctx: Context, queryString: string, pageSize: number, bookmark: string): Promise<string> {
        const { iterator, metadata } = await ctx.stub.getQueryResultWithPagination(queryString, pageSize, bookmark);
        const records = await this.drain(iterator);
        const page: PageResult = { records, fetchedRecordsCount: metadata.fetchedRecordsCount, bookmark: metadata.bookmark };
        return JSON.stringify(page);
    }

    @Transaction(false)
    @Returns('string')
    public async GetAssetsByRangeWithPagination(ctx: Context, startKey: string, endKey: string, pageSize: number, bookmark: string): Promise<string> {
        const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(startKey, endKey, pageSize, bookmark);
        const records = await this.drain(iterator);
        const page: PageResult = { records, fetchedRecordsCount: metadata.fetchedRecordsCount, bookmark: metadata.bookmark };
        return JSON.stringify(page);
    }

    @Transaction(false)
    @Returns('string')
    public async GetAssetHistory(ctx: Context, id: string): Promise<string> {
        const iterator = await ctx.stub.getHistoryForKey(id);
        const history: { txId: string; isDelete: boolean; value: Asset | null; timestamp: number }[] = [];
        let res = await iterator.next();
        while (!res.done) {
            const m = res.value;
            const text = Buffer.from(m.value).toString('utf8');
            history.push({
                txId: m.txId,
                isDelete: m.isDelete,
                value: text ? JSON.parse(text) as Asset : null,
                timestamp: Number(m.timestamp.seconds),
            });
            res = await iterator.next();
        }
        await iterator.close();
        return JSON.stringify(history);
    }

    private async collect(promise: Promise<unknown> & AsyncIterable<{ key: string; value: Uint8Array }>): Promise<Asset[]> {
        const out: Asset[] = [];
        for await (const res of promise) {
            out.push(JSON.parse(Buffer.from(res.value).toString('utf8')) as Asset);
        }
        return out;
    }

    private async drain(iterator: { next(): Promise<{ value: { value: Uint8Array }; done?: boolean }>; close(): Promise<void> }): Promise<Asset[]> {
        const out: Asset[] = [];
        let res = await iterator.next();
        while (!res.done) {
            out.push(JSON.parse(Buffer.from(res.value.value).toString('utf8')) as Asset);
            res = await iterator.next();
        }
        await iterator.close();
        return out;
    }
}
