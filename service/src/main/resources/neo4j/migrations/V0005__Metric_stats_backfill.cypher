// Builds the :MetricStats node of every component that has metrics from its :Metric nodes (data
// written before V0004). The same statement rebuilds them after :Metric nodes were changed
// without the service (see README, "Writes over Bolt"). The statistics are the :Metric
// properties the table shows, as of this version; ingest writes the same ones.
MATCH (c:TrialComponent)
CALL (c) {
  OPTIONAL MATCH (c)-[:HAS_STATS]->(old:MetricStats)
  DETACH DELETE old
  WITH DISTINCT c
  MATCH (c)-[:HAS_METRIC]->(m:Metric)
  WITH c, collect(m) AS metrics
  CREATE (c)-[:HAS_STATS]->(s:MetricStats {component: c.name})
  WITH s, metrics
  UNWIND metrics AS m
  UNWIND ['last', 'min', 'max', 'mean', 'std', 'first', 'count', 'nonFiniteCount', 'minStep', 'maxStep', 'firstStep', 'lastStep'] AS stat
  SET s[m.name + '.' + stat] = m[stat]
} IN TRANSACTIONS OF 1000 ROWS;
