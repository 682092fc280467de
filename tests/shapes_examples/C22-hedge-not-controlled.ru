# A hedge outside (kr:Reported kr:Alleged).
DELETE { GRAPH ?g { ?c kr:hedge ?h } }
INSERT { GRAPH ?g { ?c kr:hedge kr:Rumoured } }
WHERE { GRAPH ?g { ?c kr:hedge ?h } }
