# One count claim as of two dates.
INSERT { GRAPH graph:article { claim:6c35493a2b937829 kr:asOf "2023"^^xsd:gYear } }
WHERE {}
