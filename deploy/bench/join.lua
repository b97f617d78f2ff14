-- wrk script for the join benchmarks.
-- MODE=distinct: every request carries a peer key never sent before, so every join signs. The keys are structurally
--   valid OpenSSH RSA keys (2048-bit odd modulus, e=65537) with random moduli: the server checks format and size,
--   not primality, and generating 100,000 real RSA keys would take longer than the benchmark.
-- MODE=same: one key for every request (re-joins; the server may return the still-fresh token without signing).
-- PATHKIND=reference: PUT /api/experiments/join (hivemind's call); PATHKIND=native: POST /api/v1/.../join.
local mode = os.getenv("MODE") or "distinct"
local kind = os.getenv("PATHKIND") or "reference"
local org = os.getenv("ORG") or "demo-org"
local model = os.getenv("MODEL") or "bench-model"
local token = os.getenv("HF_TOKEN") or "hf_dev_bob"
-- Distinct keys are spread over BENCH_USERS users (hf_dev_bench0…, created by start.sh) so no user reaches the key cap.
local users = tonumber(os.getenv("BENCH_USERS") or "0")

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  local out = {}
  for i = 1, #data, 3 do
    local a, b, c = data:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local c1 = math.floor(n / 262144) % 64
    local c2 = math.floor(n / 4096) % 64
    local c3 = math.floor(n / 64) % 64
    local c4 = n % 64
    out[#out + 1] = b64chars:sub(c1 + 1, c1 + 1) .. b64chars:sub(c2 + 1, c2 + 1)
      .. (b and b64chars:sub(c3 + 1, c3 + 1) or "=") .. (c and b64chars:sub(c4 + 1, c4 + 1) or "=")
  end
  return table.concat(out)
end

local function u32(n)
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

local function random_key()
  local bytes = { string.char(0), string.char(128 + math.random(0, 127)) }
  for i = 1, 254 do bytes[#bytes + 1] = string.char(math.random(0, 255)) end
  bytes[#bytes + 1] = string.char(2 * math.random(0, 127) + 1)
  local modulus = table.concat(bytes)
  local blob = u32(7) .. "ssh-rsa" .. u32(3) .. string.char(1, 0, 1) .. u32(#modulus) .. modulus
  return "ssh-rsa " .. base64(blob)
end

local fixed_key
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("seed", thread_id * 7919 + os.time())
end

function init(args)
  math.randomseed(seed)
  fixed_key = random_key()
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
  if kind == "native" then
    wrk.method = "POST"
    wrk.path = "/api/v1/experiments/" .. org .. "/" .. model .. "/join"
  else
    wrk.method = "PUT"
    wrk.path = "/api/experiments/join?organization_name=" .. org .. "&model_name=" .. model
  end
end

function request()
  local key = mode == "same" and fixed_key or random_key()
  local body
  if kind == "native" then
    body = '{"peer_public_key":"' .. key .. '"}'
  else
    body = '{"experiment_join_input":{"peer_public_key":"' .. key .. '"}}'
  end
  if mode ~= "same" and users > 0 then
    return wrk.format(nil, nil, { ["Authorization"] = "Bearer hf_dev_bench" .. math.random(0, users - 1),
                                  ["Content-Type"] = "application/json" }, body)
  end
  return wrk.format(nil, nil, nil, body)
end
