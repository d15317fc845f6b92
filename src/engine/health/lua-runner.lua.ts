/**
 * The Lua side of the health-script runner, installed once per VM. It reproduces what Argo CD's `runLua` and
 * `ExecuteHealthLua` do with gopher-lua (HLT-13):
 * - the libraries: by default only base, table, package (`require("os")`) and a safe `os` with `time` and `date`;
 *   with useOpenLibs the standard libraries (minus what could touch the host or disable the timeout). Strings have
 *   no methods without the string library, as in gopher-lua, so the string metatable is hidden during such runs;
 * - a 1 s budget enforced by an instruction-count hook on the coroutine the script runs in (Argo's context timeout);
 * - the result conversion: the last returned value; nil → empty status; a non-table → "expect table output from Lua
 *   script, not <type>"; a table goes through gopher-json's encoder (its errors, including the nesting check that
 *   rejects a table used twice) and then encoding/json's decoder into {status, message}: an array, an empty table or
 *   a wrongly typed field gives an empty status; keys match case-insensitively; an invalid status is reported.
 * Lua 5.1 names scripts written for gopher-lua use (`unpack`, `table.getn`, `loadstring`) are provided.
 */
export const LUA_RUNNER = String.raw`
local rawload, rawpcall, rawxpcall, rawtype, rawpairs, rawnext = load, pcall, xpcall, type, pairs, next
local tpack, tunpack, tsort = table.pack, table.unpack, table.sort
local slower = string.lower
local sethook, clock, cocreate, coresume = debug.sethook, os.clock, coroutine.create, coroutine.resume
local strmt = getmetatable("")
local strindex = strmt.__index

local TIMEOUT = setmetatable({}, { __tostring = function() return "context deadline exceeded" end })
local deadline = 0
local function checkDeadline()
  if clock() > deadline then error(TIMEOUT, 0) end
end

-- A script's pcall must not swallow the timeout.
local function guardedPcall(f, ...)
  local r = tpack(rawpcall(f, ...))
  if not r[1] and (r[2] == TIMEOUT or clock() > deadline) then error(TIMEOUT, 0) end
  return tunpack(r, 1, r.n)
end
local function guardedXpcall(f, handler, ...)
  local r = tpack(rawxpcall(f, function(e)
    if e == TIMEOUT then return e end
    return handler(e)
  end, ...))
  if not r[1] and (r[2] == TIMEOUT or clock() > deadline) then error(TIMEOUT, 0) end
  return tunpack(r, 1, r.n)
end

local function copy(t)
  local c = {}
  for k, v in rawpairs(t) do c[k] = v end
  return c
end

local BASE = { "assert", "collectgarbage", "error", "getmetatable", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen", "rawset",
  "select", "setmetatable", "tonumber", "tostring", "type", "_VERSION" }

local function newEnv(open)
  local env = {}
  for _, name in ipairs(BASE) do env[name] = _G[name] end
  env.print = function() end
  env.unpack = tunpack
  env.pcall = guardedPcall
  env.xpcall = guardedXpcall
  env.load = function(chunk, name, mode, e) return rawload(chunk, name, "t", e or env) end
  env.loadstring = function(s, name) return rawload(s, name, "t", env) end
  env._G = env
  local tbl = copy(table)
  tbl.getn = function(t) return #t end
  env.table = tbl
  local safeOs = { time = os.time, date = os.date }
  if open then
    safeOs.clock = os.clock
    safeOs.difftime = os.difftime
    env.string = copy(string)
    env.math = copy(math)
    env.utf8 = copy(utf8)
    local co = copy(coroutine)
    env.coroutine = co
  end
  env.os = safeOs
  local loaded = { os = safeOs, table = tbl, _G = env, string = env.string, math = env.math, coroutine = env.coroutine, utf8 = env.utf8 }
  env.package = { loaded = loaded, preload = {} }
  env.require = function(name)
    local m = loaded[name]
    if m == nil then error("module " .. tostring(name) .. " not found", 2) end
    return m
  end
  return env
end

local NESTED = "cannot encode recursively nested tables to JSON"
local function wrap(msg, depth)
  for _ = 0, depth do msg = "json: error calling MarshalJSON for type json.jsonValue: " .. msg end
  return msg
end

-- gopher-json's encoder: returns nil when encodable, else the error text Argo would show.
local function encodeError(v, visited, depth)
  local t = rawtype(v)
  if t == "nil" or t == "boolean" or t == "string" then return nil end
  if t == "number" then
    if v ~= v then return wrap("json: unsupported value: NaN", depth) end
    if v == math.huge then return wrap("json: unsupported value: +Inf", depth) end
    if v == -math.huge then return wrap("json: unsupported value: -Inf", depth) end
    return nil
  end
  if t ~= "table" then return wrap("cannot encode " .. t .. " to JSON", depth) end
  if visited[v] then return wrap(NESTED, depth) end
  visited[v] = true
  local k = rawnext(v)
  if k == nil then return nil end
  local kt = rawtype(k)
  if kt == "number" then
    local count = 0
    for key, _ in rawpairs(v) do
      if rawtype(key) ~= "number" then return wrap("cannot encode mixed or invalid key types", depth) end
      count = count + 1
    end
    for i = 1, count do
      if v[i] == nil then return wrap("cannot encode sparse array", depth) end
    end
    for i = 1, count do
      local e = encodeError(v[i], visited, depth + 1)
      if e then return e end
    end
  elseif kt == "string" then
    local keys = {}
    for key, _ in rawpairs(v) do
      if rawtype(key) ~= "string" then return wrap("cannot encode mixed or invalid key types", depth) end
      keys[#keys + 1] = key
    end
    tsort(keys)
    for _, key in ipairs(keys) do
      local e = encodeError(v[key], visited, depth + 1)
      if e then return e end
    end
  else
    return wrap("cannot encode mixed or invalid key types", depth)
  end
  return nil
end

local VALID = { Healthy = true, Progressing = true, Suspended = true, Degraded = true, Missing = true, Unknown = true }

-- encoding/json's view of the encoded table as a HealthStatus.
local function decode(v)
  local k = rawnext(v)
  if k == nil or rawtype(k) == "number" then return "empty" end
  local keys = {}
  for key, _ in rawpairs(v) do keys[#keys + 1] = key end
  tsort(keys)
  local status, message = "", ""
  for _, key in ipairs(keys) do
    local lk = slower(key)
    if lk == "status" or lk == "message" then
      local val = v[key]
      if rawtype(val) ~= "string" then return "empty" end
      if lk == "status" then status = val else message = val end
    end
  end
  if not VALID[status] then return "invalid" end
  return "ok", status, message
end

function __gs_health(src, obj, open, timeout)
  local env = newEnv(open)
  env.obj = obj
  local fn, err = rawload(src, "=<string>", "t", env)
  if not fn then return "error", tostring(err) end
  local co = cocreate(function() return tpack(fn()) end)
  deadline = clock() + timeout
  sethook(co, checkDeadline, "", 1000)
  if not open then strmt.__index = nil end
  local ok, res = coresume(co)
  strmt.__index = strindex
  if not ok then
    if res == TIMEOUT then return "error", "context deadline exceeded" end
    if rawtype(res) == "string" then return "error", res end
    return "error", tostring(res)
  end
  if rawtype(res) ~= "table" or res.n == nil then return "empty" end
  local ret = nil
  if res.n > 0 then ret = res[res.n] end
  local t = rawtype(ret)
  if t == "nil" then return "empty" end
  if t ~= "table" then return "error", "expect table output from Lua script, not " .. t end
  local e = encodeError(ret, {}, 0)
  if e then return "error", e end
  return decode(ret)
end
`;
