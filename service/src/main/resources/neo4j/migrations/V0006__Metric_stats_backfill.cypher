// Builds the :MetricStats node of every component that has metrics from its :Metric nodes (data
// written before V0005): `names`, the metric names, `values`, twelve numbers a metric in the order
// last, min, max, mean, std, first, count, nonFiniteCount, minStep, maxStep, firstStep, lastStep
// (the :Metric properties of those names), and `index.<metric>`, each metric's place in `names`;
// ingest writes the same. Run again, the same statement rebuilds them after :Metric nodes were
// changed without the service (README, "Writes over Bolt").
MATCH (c:TrialComponent)
CALL (c) {
  OPTIONAL MATCH (c)-[:HAS_STATS]->(old:MetricStats)
  DETACH DELETE old
  WITH DISTINCT c
  MATCH (c)-[:HAS_METRIC]->(m:Metric)
  WITH c, m ORDER BY m.name
  WITH c, collect(m.name) AS names,
       reduce(values = [], m IN collect(m) | values + [x IN [m.last, m.min, m.max, m.mean, m.std, m.first, m.count,
           m.nonFiniteCount, m.minStep, m.maxStep, m.firstStep, m.lastStep] | coalesce(toFloat(x), 0.0 / 0.0)]) AS values
  CREATE (c)-[:HAS_STATS]->(s:MetricStats {component: c.name, names: names, values: values})
  WITH s, names
  UNWIND range(0, size(names) - 1) AS i
  SET s['index.' + names[i]] = i
} IN TRANSACTIONS OF 1000 ROWS;
