/** Java FFM bindings of {@code native/include/jpeglm.h}, in jextract's shape. */
package org.jpeglm.bindings;
