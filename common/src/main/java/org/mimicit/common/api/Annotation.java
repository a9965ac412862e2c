package org.mimicit.common.api;

import java.io.Serializable;

/**
 * One query input of generation: an annotation's text and the cache key of its request.
 *
 * @param prompt the name of the prompt it is sent with
 */
public record Annotation(String id, String sentences, String prompt, String key)
    implements Serializable {}
