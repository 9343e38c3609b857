// Every lineage edge carries two order keys (io.trialgraph.store.LineageKeys): `downstreamKey`, its
// start node's identity, a space and its end node's page key, and `upstreamKey`, the other way
// round. A range index per type and key lets a page of a node's neighbours be read in key order
// by seeking to `<identity> <page token>` instead of expanding every edge of the node.
CREATE RANGE INDEX consumed_by_downstream IF NOT EXISTS FOR ()-[r:CONSUMED_BY]-() ON (r.downstreamKey);
CREATE RANGE INDEX consumed_by_upstream IF NOT EXISTS FOR ()-[r:CONSUMED_BY]-() ON (r.upstreamKey);
CREATE RANGE INDEX produced_downstream IF NOT EXISTS FOR ()-[r:PRODUCED]-() ON (r.downstreamKey);
CREATE RANGE INDEX produced_upstream IF NOT EXISTS FOR ()-[r:PRODUCED]-() ON (r.upstreamKey);
