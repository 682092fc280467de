# Bounds in the wrong order.
DELETE { GRAPH ?g { ?c kr:earliest ?e } }
INSERT { GRAPH ?g { ?c kr:earliest "2008-02-19"^^xsd:date } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-recognition-1 ; kr:earliest ?e } }
