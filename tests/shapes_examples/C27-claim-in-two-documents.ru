# One claim read in two documents (evidence in the article and in a news item).
INSERT { GRAPH graph:article { claim:c8d8b9be54901ec2 kr:evidence <id/ref/example-news-2018/text/L3/9a8b7c6d> } }
WHERE {}
