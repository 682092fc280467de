# Togo minted a second time, under another IRI, with the same ISO code.
INSERT DATA { GRAPH graph:reference {
    <id/entity/togolese-republic> a kr:PoliticalEntity , prov:Agent ;
        rdfs:label "Togolese Republic"@en ; kr:iso3 "TGO" .
} }
