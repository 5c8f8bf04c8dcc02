// The DaemonSet's pod template as a Pod that `podman kube play` runs, with
// the ConfigMaps it mounts:
//   node k8s-pod.mjs DAEMONSET.yaml CONFIGMAP.yaml POD_NAME EMPTY_DIR > pod.yaml
// Three changes, all for podman 4.3: hostPath directories this machine lacks
// point at EMPTY_DIR (a node would create them); the HTTP probes go (podman
// runs them as curl inside the container, and the image has no curl); and
// the seccomp profile is named again in the annotation podman reads, as it
// ignores securityContext.seccompProfile (and reads one path component there:
// run it with --seccomp-profile-root at the profile's directory).
import { existsSync, readFileSync } from "node:fs";
import { parseAllDocuments, stringify } from "yaml";

const [dsFile, cmFile, name, emptyDir] = process.argv.slice(2);
const docs = (f) => parseAllDocuments(readFileSync(f, "utf8")).map((d) => d.toJS()).filter(Boolean);
const ds = docs(dsFile).find((d) => d.kind === "DaemonSet");
const spec = structuredClone(ds.spec.template.spec);

for (const v of spec.volumes ?? []) {
  if (v.hostPath && !existsSync(v.hostPath.path) && v.hostPath.type === "DirectoryOrCreate") {
    v.hostPath = { path: emptyDir, type: "Directory" };
  }
}
for (const c of spec.containers) {
  delete c.livenessProbe;
  delete c.startupProbe;
  delete c.readinessProbe;
}
const annotations = {};
const seccomp = spec.securityContext?.seccompProfile;
if (seccomp?.type === "Localhost") {
  annotations["seccomp.security.alpha.kubernetes.io/pod"] =
    `localhost/${seccomp.localhostProfile.split("/").pop()}`;
}
const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name,
    namespace: ds.metadata.namespace,
    labels: ds.spec.template.metadata.labels,
    annotations,
  },
  spec,
};
const out = docs(cmFile).filter((d) => d.kind === "ConfigMap");
out.push(pod);
process.stdout.write(out.map((d) => stringify(d)).join("---\n"));
