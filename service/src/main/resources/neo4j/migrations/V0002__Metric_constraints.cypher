// A metric is identified by its component and its name; a metric writer by its id.
CREATE CONSTRAINT metric_component_name_unique IF NOT EXISTS FOR (m:Metric) REQUIRE (m.component, m.name) IS UNIQUE;
CREATE CONSTRAINT metric_writer_id_unique IF NOT EXISTS FOR (w:MetricWriter) REQUIRE w.id IS UNIQUE;
