// Summaries of many components at once look metrics up by component alone: the composite
// uniqueness index (component, name) cannot serve that, a label scan per component did.
CREATE INDEX metric_component IF NOT EXISTS FOR (m:Metric) ON (m.component);
