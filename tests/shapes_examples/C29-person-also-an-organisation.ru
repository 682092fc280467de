# A fused agent: a person typed as an organisation too.
INSERT { GRAPH graph:reference { <id/person/ivica-dacic> a <http://www.w3.org/ns/org#Organization> } }
WHERE {}
