# "115 out of 193" without saying out of which organisation's members.
DELETE { GRAPH ?g { claim:0d2e4f6a8b1c3e5f kr:countScope ?s } }
WHERE { GRAPH ?g { claim:0d2e4f6a8b1c3e5f kr:countScope ?s } }
