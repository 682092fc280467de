# Position text without a language tag.
DELETE { GRAPH ?g { ?p kr:positionText ?t } }
INSERT { GRAPH ?g { ?p kr:positionText "Serbia does not recognise Kosovo." } }
WHERE { GRAPH ?g { ?p a kr:Position ; kr:positionText ?t } }
