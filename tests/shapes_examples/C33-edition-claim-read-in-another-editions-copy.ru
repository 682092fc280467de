# A German figure attributed to the English edition while read in a German copy.
DELETE { GRAPH ?g { claim:0d2e4f6a8b1c3e5f kr:claimant agent:wikipedia-de } }
INSERT { GRAPH ?g { claim:0d2e4f6a8b1c3e5f kr:claimant agent:wikipedia-en } }
WHERE { GRAPH ?g { claim:0d2e4f6a8b1c3e5f kr:claimant agent:wikipedia-de } } ;
INSERT DATA { GRAPH graph:reference {
    agent:wikipedia-en a kr:WikipediaEdition , prov:Agent ; rdfs:label "English Wikipedia"@en } }
