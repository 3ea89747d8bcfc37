"""Pure domain of studybot: topics, tags, links, votes, weeks and the agenda."""
