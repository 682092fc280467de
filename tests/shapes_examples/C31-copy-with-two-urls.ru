# A stored copy read at two URLs (two copies merged into one).
INSERT DATA { GRAPH graph:wikipedia-de-copy {
    doc:wikipedia-de-copy <https://schema.org/url> "https://dewiki.de/Lexikon/Internationale_Anerkennung_des_Kosovo"^^xsd:anyURI } }
