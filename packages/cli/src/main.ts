#!/usr/bin/env node
import { Command } from "commander";
import { registerApps } from "./commands/apps.ts";
import { registerContract } from "./commands/contract.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerDevnet } from "./commands/devnet.ts";
import { registerGateway } from "./commands/gateway.ts";
import { registerNetwork } from "./commands/network.ts";
import { registerNode } from "./commands/node.ts";
import { registerBlock, registerQuery, registerTx } from "./commands/tx.ts";
import { registerVerify } from "./commands/verify.ts";

const program = new Command()
  .name("citychain")
  .description("CityChain: a consortium blockchain for smart cities")
  .version("0.1.0");
registerNetwork(program);
registerNode(program);
registerTx(program);
registerQuery(program);
registerBlock(program);
registerVerify(program);
registerContract(program);
registerApps(program);
registerDemo(program);
registerDevnet(program);
registerGateway(program);
await program.parseAsync(process.argv);
