// Identity of the experiment graph: names are unique per label, an artifact is its URI.
CREATE CONSTRAINT experiment_name_unique IF NOT EXISTS FOR (e:Experiment) REQUIRE e.name IS UNIQUE;
CREATE CONSTRAINT trial_name_unique IF NOT EXISTS FOR (t:Trial) REQUIRE t.name IS UNIQUE;
CREATE CONSTRAINT trial_component_name_unique IF NOT EXISTS FOR (c:TrialComponent) REQUIRE c.name IS UNIQUE;
CREATE CONSTRAINT artifact_uri_unique IF NOT EXISTS FOR (a:Artifact) REQUIRE a.uri IS UNIQUE;
CREATE CONSTRAINT artifact_id_unique IF NOT EXISTS FOR (a:Artifact) REQUIRE a.id IS UNIQUE;
// Listing components by kind or status.
CREATE INDEX trial_component_kind IF NOT EXISTS FOR (c:TrialComponent) ON (c.kind);
CREATE INDEX trial_component_status IF NOT EXISTS FOR (c:TrialComponent) ON (c.status);
