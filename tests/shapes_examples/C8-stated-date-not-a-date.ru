# "May 2010" typed as a string in kr:statedDate.
DELETE { GRAPH ?g { ?c kr:statedDate ?d } }
INSERT { GRAPH ?g { ?c kr:statedDate "May 2010"^^xsd:string } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-recognition-1 ; kr:statedDate ?d } }
