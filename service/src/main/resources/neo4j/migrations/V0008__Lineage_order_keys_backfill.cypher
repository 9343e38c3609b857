// Keys the lineage edges of hubs (io.trialgraph.store.LineageKeys): a node with at least 1,000
// (LineageKeys.HUB_EDGES) edges of one type in one direction gets the key for that direction on
// each of them, and the count of the edges keyed in a node property; other edges get no keys.
// Format: `downstreamKey` is the start node's identity, a space and the end node's page key,
// `upstreamKey` the other way round; an artifact's identity is its `id`, its page key its `uri`; a
// component's identity and page key are its `name`; a key whose two parts have 2,000 characters or
// more is left out (it might not fit the range index's 8 KB) and not counted. Run again, the same
// statements repair the keys and counts of hubs written over Bolt (README, "Writes over Bolt").
MATCH (a:Artifact)-[r:CONSUMED_BY]->(c:TrialComponent)
WHERE r.downstreamKey IS NULL AND COUNT { (a)-[:CONSUMED_BY]->() } >= 1000
CALL (a, r, c) {
  SET r.downstreamKey = CASE WHEN size(a.id) + size(c.name) < 2000 THEN a.id + ' ' + c.name END
} IN TRANSACTIONS OF 10000 ROWS;
MATCH (a:Artifact)
WHERE COUNT { (a)-[:CONSUMED_BY]->() } >= 1000
SET a.consumedByDownstreamKeys = COUNT { MATCH (a)-[r:CONSUMED_BY]->() WHERE r.downstreamKey IS NOT NULL };
MATCH (a:Artifact)-[r:CONSUMED_BY]->(c:TrialComponent)
WHERE r.upstreamKey IS NULL AND COUNT { (c)<-[:CONSUMED_BY]-() } >= 1000
CALL (a, r, c) {
  SET r.upstreamKey = CASE WHEN size(c.name) + size(a.uri) < 2000 THEN c.name + ' ' + a.uri END
} IN TRANSACTIONS OF 10000 ROWS;
MATCH (c:TrialComponent)
WHERE COUNT { (c)<-[:CONSUMED_BY]-() } >= 1000
SET c.consumedByUpstreamKeys = COUNT { MATCH (c)<-[r:CONSUMED_BY]-() WHERE r.upstreamKey IS NOT NULL };
MATCH (c:TrialComponent)-[r:PRODUCED]->(a:Artifact)
WHERE r.downstreamKey IS NULL AND COUNT { (c)-[:PRODUCED]->() } >= 1000
CALL (c, r, a) {
  SET r.downstreamKey = CASE WHEN size(c.name) + size(a.uri) < 2000 THEN c.name + ' ' + a.uri END
} IN TRANSACTIONS OF 10000 ROWS;
MATCH (c:TrialComponent)
WHERE COUNT { (c)-[:PRODUCED]->() } >= 1000
SET c.producedDownstreamKeys = COUNT { MATCH (c)-[r:PRODUCED]->() WHERE r.downstreamKey IS NOT NULL };
MATCH (c:TrialComponent)-[r:PRODUCED]->(a:Artifact)
WHERE r.upstreamKey IS NULL AND COUNT { (a)<-[:PRODUCED]-() } >= 1000
CALL (c, r, a) {
  SET r.upstreamKey = CASE WHEN size(a.id) + size(c.name) < 2000 THEN a.id + ' ' + c.name END
} IN TRANSACTIONS OF 10000 ROWS;
MATCH (a:Artifact)
WHERE COUNT { (a)<-[:PRODUCED]-() } >= 1000
SET a.producedUpstreamKeys = COUNT { MATCH (a)<-[r:PRODUCED]-() WHERE r.upstreamKey IS NOT NULL };
