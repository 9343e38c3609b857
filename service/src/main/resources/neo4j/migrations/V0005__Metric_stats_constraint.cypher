// The analytics table reads a component's metric statistics from one node beside it,
// (:TrialComponent)-[:HAS_STATS]->(:MetricStats {component, names, values, `index.<metric>`}), which ingest
// keeps in step with the :Metric nodes in the same transaction. One per component.
CREATE CONSTRAINT metric_stats_component_unique IF NOT EXISTS FOR (s:MetricStats) REQUIRE s.component IS UNIQUE;
