# libjpeglm over llama.cpp as shared libraries with ggml's dynamic backends (the prebuilt and portable ways): it
# finds its libraries beside itself ($ORIGIN) and loads ggml's backends from there before llama_backend_init
# (JPEGLM_DYNAMIC_BACKENDS, see native/src/library.cpp), after checking that the loaded libggml-base is the pinned
# ggml version.
function(jpeglm_link_dynamic_backends target)
  target_compile_definitions(${target} PRIVATE JPEGLM_DYNAMIC_BACKENDS "JPEGLM_GGML_VERSION=\"${JPEGLM_GGML_VERSION}\"")
  target_link_libraries(${target} PRIVATE ${CMAKE_DL_LIBS})
  target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  set_target_properties(${target} PROPERTIES BUILD_WITH_INSTALL_RPATH ON INSTALL_RPATH "$ORIGIN")
endfunction()
