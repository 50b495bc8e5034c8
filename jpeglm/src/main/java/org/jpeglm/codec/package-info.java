/**
 * What every codec's generation API shares (issue 27, docs/codec-redesign.md): one score record and one account of
 * a run, whatever the tokens mean (JPEG images, H.264 videos).
 */
package org.jpeglm.codec;
