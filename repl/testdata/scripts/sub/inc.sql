INSERT INTO seen VALUES ('inc');
.print in inc
SELECT *
  FROM missing_table;
.read deeper.sql
