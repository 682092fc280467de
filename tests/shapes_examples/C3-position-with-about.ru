# A position that is also made "about" an event.
INSERT { GRAPH ?g { ?p kr:about event:FRA-XKX-recognition-1 } }
WHERE { GRAPH ?g { ?p a kr:Position } }
