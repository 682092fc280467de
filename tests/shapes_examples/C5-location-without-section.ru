# A location without its section path.
DELETE { GRAPH ?g { <id/ref/wikipedia-international-recognition-of-kosovo/withdrawn/L301> kr:sectionPath ?s } }
WHERE { GRAPH ?g { <id/ref/wikipedia-international-recognition-of-kosovo/withdrawn/L301> kr:sectionPath ?s } }
