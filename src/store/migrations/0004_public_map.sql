-- minwon schema, version 4: the public map (/map, GET /api/v1/map).

-- Complaints whose authors agreed to show them on the public map, newest
-- first; the bounding box and the filters narrow this small set.
CREATE INDEX complaints_public_map ON complaints(received_at DESC, id)
  WHERE public_map AND lat IS NOT NULL;
