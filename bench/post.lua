-- wrk script for bench/compare.sh: one POST, the same for every server.
-- BODY_FILE is the JSON body; TOKEN, when set, is sent as a Bearer token.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
