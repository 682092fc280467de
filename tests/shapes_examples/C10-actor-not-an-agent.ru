# Diplomatic relations "established" by a document.
DELETE DATA { GRAPH graph:article { event:FRA-XKX-diplomatic-relations-1 kr:actor state:FRA } } ;
INSERT DATA { GRAPH graph:article { event:FRA-XKX-diplomatic-relations-1 kr:actor doc:example-news-2018 } }
