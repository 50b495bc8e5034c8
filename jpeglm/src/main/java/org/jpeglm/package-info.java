/** The jpeglm API: load a Jpeg-LM GGUF model, open sessions, sample tokens, make images. */
package org.jpeglm;
