# Evidence that points at a whole document instead of a location in it.
DELETE { GRAPH ?g { ?c kr:evidence ?loc } }
INSERT { GRAPH ?g { ?c kr:evidence doc:wikipedia-international-recognition-of-kosovo } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-recognition-1 ; kr:evidence ?loc } }
