// Sets the order keys of every lineage edge (edges written before V0007, or over Bolt without
// them), in the format of io.trialgraph.store.LineageKeys: an artifact's identity is its `id`, its
// page key its `uri`; a component's identity and page key are its `name`; a key longer than 2,000
// characters is left out (it might not fit the range index's 8 KB), and the walk expands the
// edges of a node whose keys it cannot count in full. Run again, the same statements repair the
// keys of edges written over Bolt (README, "Writes over Bolt").
MATCH (a:Artifact)-[r:CONSUMED_BY]->(c:TrialComponent)
CALL (a, r, c) {
  SET r.downstreamKey = CASE WHEN size(a.id) + size(c.name) < 2000 THEN a.id + ' ' + c.name END,
      r.upstreamKey = CASE WHEN size(c.name) + size(a.uri) < 2000 THEN c.name + ' ' + a.uri END
} IN TRANSACTIONS OF 10000 ROWS;
MATCH (c:TrialComponent)-[r:PRODUCED]->(a:Artifact)
CALL (c, r, a) {
  SET r.downstreamKey = CASE WHEN size(c.name) + size(a.uri) < 2000 THEN c.name + ' ' + a.uri END,
      r.upstreamKey = CASE WHEN size(a.id) + size(c.name) < 2000 THEN a.id + ' ' + c.name END
} IN TRANSACTIONS OF 10000 ROWS;
