# ggml's RPC backend and llama.cpp's rpc-server (the source and portable ways; the prebuilt packages have neither).
#
# GGML_RPC=ON builds the backend's client into ggml (source way) or as libggml-rpc.so beside the other backends
# (portable way), so a model's layers can run on other machines (ModelOptions.rpcServers, --rpc). TCP only:
# libjpeglm relays each connection to a server itself (native/src/rpc.cpp), which RDMA would bypass.
#
# jpeglm_add_rpc_server() adds the target rpc-server: the pinned tree's tools/rpc/rpc-server.cpp, linked against the
# same ggml as libjpeglm and written beside it (<build folder>/rpc-server), built with libjpeglm. Run it on each
# machine that lends its CPU or GPU: `rpc-server --host 0.0.0.0 --port 50052` (docs/deploy.md).

set(GGML_RPC ON CACHE BOOL "" FORCE)
set(GGML_RPC_RDMA OFF CACHE BOOL "" FORCE)

function(jpeglm_add_rpc_server)
  add_executable(rpc-server "${LLAMA_CPP_DIR}/tools/rpc/rpc-server.cpp")
  target_link_libraries(rpc-server PRIVATE ggml)
  target_compile_features(rpc-server PRIVATE cxx_std_17)
  set_target_properties(rpc-server PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}")
  add_dependencies(jpeglm rpc-server) # the Maven build asks for jpeglm: the server comes with it
endfunction()
