// Validates Kubernetes manifests against the official schemas (the
// kubernetes-models package, offline) and prints each document as one JSON
// line for the shell to check further:
//   node k8s-manifests.mjs FILE.yaml...
// Exit status 1 when any document is invalid or of a kind it does not know.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";

const models = {
  "v1": core,
  "apps/v1": apps,
  "networking.k8s.io/v1": networking,
};

let bad = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.error(`${file}: ${doc.errors[0].message}`);
      bad++;
      continue;
    }
    const obj = doc.toJS();
    if (!obj) continue;
    const Model = models[obj.apiVersion]?.[obj.kind];
    if (!Model) {
      console.error(`${file}: no schema for ${obj.apiVersion} ${obj.kind}`);
      bad++;
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (err) {
      console.error(`${file}: ${obj.kind} ${obj.metadata?.name}: ${err.message}`);
      bad++;
      continue;
    }
    console.log(JSON.stringify({ file, ...obj }));
  }
}
process.exit(bad ? 1 : 0);
