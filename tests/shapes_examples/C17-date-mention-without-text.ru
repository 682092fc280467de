# A date mention that does not say how the date was printed.
DELETE { GRAPH ?g { ?m kr:dateText ?t } }
WHERE { GRAPH ?g { ?m a kr:DateMention ; kr:dateText ?t } }
