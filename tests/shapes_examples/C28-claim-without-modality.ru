# A claim that does not say how it is put.
DELETE { GRAPH ?g { ?c kr:modality ?m } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-recognition-1 ; kr:modality ?m } }
