-- rapport.batch: the load batches: what each nightly run read, accepted, rejected and changed.
CREATE OR REPLACE VIEW rapport.batch AS
SELECT batch_key AS batch, startet, afsluttet, status, laest, accepteret, afvist, nye, aendrede, annullerede, uaendrede,
       afvist_pr_regel, sekunder, linjer_pr_sekund, samtaler_version
FROM samtaler.dim_batch;
