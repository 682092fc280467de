# A position row with no text.
DELETE { GRAPH ?g { ?p kr:positionText ?t } }
WHERE { GRAPH ?g { ?p a kr:Position ; kr:positionText ?t } }
