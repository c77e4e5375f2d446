-- main.sql: .read resolves paths against this file's directory.
CREATE TEMP TABLE seen(who VARCHAR);
.read sub/inc.sql
INSERT INTO seen VALUES ('main');
SELECT who FROM seen ORDER BY who;
