# A location with an empty section path.
DELETE { GRAPH ?g { <id/ref/wikipedia-international-recognition-of-kosovo/withdrawn/L301> kr:sectionPath ?s } }
INSERT { GRAPH ?g { <id/ref/wikipedia-international-recognition-of-kosovo/withdrawn/L301> kr:sectionPath "" } }
WHERE { GRAPH ?g { <id/ref/wikipedia-international-recognition-of-kosovo/withdrawn/L301> kr:sectionPath ?s } }
