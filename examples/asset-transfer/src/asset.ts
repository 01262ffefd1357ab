import { Object, Property } from 'fabric-contract-api';

@Object()
export class Asset {
    @Property()
    public docType?: string;

    @Property()
    public ID: string = '';

    @Property()
    public Kind: string = '';

    @Property()
    public Location: string = '';

    @Property()
    public Owner: string = '';

    @Property()
    public Value: number = 0;
}
