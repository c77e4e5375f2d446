INSERT INTO seen VALUES ('deeper');
